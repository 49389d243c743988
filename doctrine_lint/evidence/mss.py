"""Reader of mss evidence files (being written: registers no reader yet)."""
