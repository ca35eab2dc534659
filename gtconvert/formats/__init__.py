"""One module per format; each translates between its files and :class:`gtconvert.Dataset`."""
