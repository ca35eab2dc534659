"""Operations on whole datasets, between a reader and a writer.

* :mod:`.categories`: rename, merge, keep and drop categories (``--map``, ``--keep``,
  ``--drop``; ``Dataset.rename_categories`` and ``Dataset.select``).
* :mod:`.merge`: several datasets as one (``gtconvert merge``).
* :mod:`.splits`: leak-free train/val/test splits by video, folder or attribute
  (``--split-by``, used by the writers that write splits).

Each takes a :class:`~gtconvert.model.Dataset` and returns a new one (inputs are not
changed), and says what it merged or dropped through :func:`gtconvert.report.warn`.
"""
