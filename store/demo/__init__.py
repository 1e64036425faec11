"""The bundled demo database: invented stories in several languages (stories, data/) built
into a temporary file (database).
"""
