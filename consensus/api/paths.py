"""The addresses of the JSON API, shared by the areas that answer under them."""

from __future__ import annotations

API = "/api/v1"
GROUP = f"{API}/groups/{{group:str}}"
DOCUMENT = f"{GROUP}/documents/{{document:str}}"
CLAUSE = f"{DOCUMENT}/clauses/{{number:str}}"
VERSION = f"{DOCUMENT}/versions/{{version:int}}"
ROUND = f"{API}/rounds/{{round_id:int}}"
AMENDMENT = f"{API}/amendments/{{amendment_id:int}}"
