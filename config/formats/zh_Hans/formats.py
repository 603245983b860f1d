# Dates as officials write them (DESIGN rule 9: 2026年11月29日); audit times to the second.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i:s"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
