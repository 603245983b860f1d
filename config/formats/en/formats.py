# Unambiguous day-month-year for English pages; audit times to the second.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i:s"
SHORT_DATETIME_FORMAT = "j M Y H:i"
