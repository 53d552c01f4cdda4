"""The web layer: Twilio's webhooks (voice), the TwiML they answer with (twiml),
the signature check on every one (signature), and the local audio cache's route
(audio). Only this package reads requests or writes TwiML."""
