"""Reader of rgesn evidence files (being written: registers no reader yet)."""
