"""Legacy civil-registry migration: a generator of realistic legacy exports (`synth`) and the importer.

See docs/legacy-import.md for the mapping format, what is imported, flagged, counted as a duplicate or rejected.
"""
