package sim

// sealReport seals an XML report as ČÚZK does: an enveloped ds:Signature
// in the report's root element, over the whole report (Options.Sealer,
// e.g. certs/docsig). It returns the report unsealed and false when there
// is no sealer or sealing fails.
func (s *Server) sealReport(report []byte) ([]byte, bool) {
	if s.sealer == nil {
		return report, false
	}
	signed, err := s.sealer.Sign(report)
	if err != nil {
		s.logError("seal XML report", err)
		return report, false
	}
	return signed, true
}
