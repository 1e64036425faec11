"""Article pages: fetching and storing the full story (fulltext), extraction (article,
jsonld, layouts, blocks) for any site, AA's layouts included.
"""
