"""The web service (`twinschedule serve`, the optional extra `twinschedule[serve]`):
capability links, pages, feeds by URL and a JSON API, on the public API only."""
