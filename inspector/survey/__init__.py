"""The agencies' yearly reports (Phụ lục 1A, 2A, 3A): forms, blank workbooks, import."""
