"""National rules as pure functions and data; no Django imports."""
