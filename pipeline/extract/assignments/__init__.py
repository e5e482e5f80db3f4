"""What the plan assigns: responsible bodies, deadlines, channels."""
