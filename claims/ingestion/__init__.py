"""Getting articles in from the web: SSRF-guarded fetching, HTML extraction, RSS/Atom feeds.

guard.py     which URLs and addresses may be fetched (no network except DNS)
fetch.py     fetch_url(): pinned connections, manual redirects, size and time limits
html.py      extract_page(): trafilatura, charset detection, canonical link
articles.py  fetch_article(): fetch + extract, used by the article pipeline
feeds.py     create_feed(), due_feeds(), claim_due_feeds(), poll_feed()
"""
