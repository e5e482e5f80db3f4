"""Grammars shared by the families: dates (models/dates.yaml) and number-symbols."""
