"""A corpus of hostile and broken inputs, built at test time (see ``corpus.py``)."""
