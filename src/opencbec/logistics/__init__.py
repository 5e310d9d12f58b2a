"""Intelligent logistics (智慧物流): the zone's parcels by carrier, for the postal administration
and the departments entitled to logistics records."""
