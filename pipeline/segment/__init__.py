"""Segmentation of normalized text: blocks (lines), sentences, sections."""
