"""Hazard feeds: earthquakes, cyclones, floods... read from configured public feeds (CAP,
GDACS, USGS), one stored event per hazard with its impact area and the count of our people
in it, so staff know before the phones ring. Nothing is ever sent from here: staff turn an
event into a draft alert or roll call, which then follows the normal approval rules."""
