"""The board's pages, one module per audience: public, employer, postings, moderation,
careers, tokens."""
