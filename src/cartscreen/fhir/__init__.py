"""Patient files from FHIR R4 records (``cartscreen import fhir``)."""
