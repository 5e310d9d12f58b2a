"""In-app notifications (站内通知): what a domain event means for the people of an organisation.

The core (models, service) knows only identity's tables: every domain publishes through
`service.notify`, so no domain imports another to tell its people something happened.
"""
