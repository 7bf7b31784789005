"""Training: case studies, the room's walk with its what-if, and its screens (pure renderables)."""
