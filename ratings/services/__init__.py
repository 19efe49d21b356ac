"""Every write of the rating domain goes through a service here (STYLE.md convention 2)."""
