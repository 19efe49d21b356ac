"""信息公开 (SPEC §5): what residents pay and where the public revenue went. The app shell; the
DisclosurePage and its workflow arrive with the disclosures issue."""
