"""The board's pages, one module per audience: public, employer, moderation, careers, tokens."""
