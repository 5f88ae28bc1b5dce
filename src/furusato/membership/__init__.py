"""Membership: the resident registry (ふるさと住民登録) and fundraising sales — bulk import, sale terms."""
