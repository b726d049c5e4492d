"""Pieces of the window that more than one area shows: the China-time field, the timeline of events,
the evidence strip, the order picker."""
