"""The improvement record's pages. Every view says who may use it with ``requires``:
everyone signed in may read (``VIEW_AGGREGATES``); administrators, data leads and
practitioners may change the record (``EDIT_IMPROVEMENT``)."""
