"""Reader of rgaa_grid evidence files (being written: registers no reader yet)."""
