"""Reader of ara evidence files (being written: registers no reader yet)."""
