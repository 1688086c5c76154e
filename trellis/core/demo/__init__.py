"""Synthetic demo data: a believable IOP in full swing. Every name and number is made up."""
