"""The Textual reader: the only part of paperterm that imports Textual."""
