"""Model layer: reference tables, entity resolution, the SQL models, and the mart checks."""
