"""The model layer: SQL models in models/ and the entity resolution that feeds them."""
