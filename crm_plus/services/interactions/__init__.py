"""Customer Interactions: the records and their follow-ups, capture from other records, and intake
from back-office systems over the API."""
