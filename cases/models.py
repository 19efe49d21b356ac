"""三微案例 (SPEC §6). The app shell; CaseIndexPage, CasePage and review arrive with the cases issue."""
