"""Versioned reference data (townships, header synonyms, word maps) and loaders for it."""
