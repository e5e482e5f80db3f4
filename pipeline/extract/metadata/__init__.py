"""The plan's own metadata: header, title, issuer, signer, period, recipients, locality."""
