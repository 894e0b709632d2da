"""Talking to the Hugging Face Papers and arXiv APIs (the only network code in paperterm)."""
