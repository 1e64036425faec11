"""The query language: parser, compiler to SQL (ids, counts), highlighting, saved searches,
tag rules.
"""
