"""Registry drift: an encoded trial against a ClinicalTrials.gov record (`cartscreen trials
diff`)."""
