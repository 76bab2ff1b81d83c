package sim_test

import "fmt"

func e03Payload(aifo string) string {
	return fmt.Sprintf(`<abs:MapaAifo><reg:PrevodAifo><reg:LokalniAifo>1</reg:LokalniAifo><reg:GlobalniAifo>%s</reg:GlobalniAifo></reg:PrevodAifo></abs:MapaAifo>`+
		`<svc:Zadost><svc:RobCtiAifoData><rod:Aifo>1</rod:Aifo><rod:VyuzitiPoskytnuti>vyuziti</rod:VyuzitiPoskytnuti></svc:RobCtiAifoData></svc:Zadost>`, aifo)
}

func e276Payload(aifo string) string {
	return fmt.Sprintf(`<abs:MapaAifo><reg:PrevodAifo><reg:LokalniAifo>7</reg:LokalniAifo><reg:GlobalniAifo>%s</reg:GlobalniAifo></reg:PrevodAifo></abs:MapaAifo>`+
		`<svc:Zadost><svc:RobCtiAifo2Data><rod:Aifo>7</rod:Aifo><rod:VyuzitiPoskytnuti>poskytnuti</rod:VyuzitiPoskytnuti></svc:RobCtiAifo2Data></svc:Zadost>`, aifo)
}

// e278Payload: fields in schema order (AdresaPobytu, DatovaSchrankaId,
// DatumNarozeni, DatumPravniMociUmrti, DatumUmrti, Jmeno, MistoNarozeni,
// MistoUmrti, Prijmeni, Doklad, Obcanstvi, RodnePrijmeni, ...).
func e278Payload(attrs, fields string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:RobCtiPodleUdaju2Data%s>%s</svc:RobCtiPodleUdaju2Data></svc:Zadost>`, attrs, fields)
}

func e256Payload(ico string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:RosCtiIco2Data><sdo:Ico>%s</sdo:Ico></svc:RosCtiIco2Data></svc:Zadost>`, ico)
}

func e36Payload(kod, format string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:RuianCtiAdresuData><ca:Kod>%s</ca:Kod><ca:FormatAdresy>%s</ca:FormatAdresy></svc:RuianCtiAdresuData></svc:Zadost>`, kod, format)
}

func e251Payload(kod, format string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:RuianCtiAdresu2Data><ca2:Kod>%s</ca2:Kod><ca2:FormatAdresy>%s</ca2:FormatAdresy></svc:RuianCtiAdresu2Data></svc:Zadost>`, kod, format)
}

func e227Payload(agenda, role, ovm string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:IszrVypisOpravneniPolozkyData><i33:Agenda>%s</i33:Agenda><i33:AgendovaRole>%s</i33:AgendovaRole><i33:Ovm>%s</i33:Ovm></svc:IszrVypisOpravneniPolozkyData></svc:Zadost>`, agenda, role, ovm)
}

func e164Payload(names string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:IszrProbeData><i21:SeznamRozhrani>%s</i21:SeznamRozhrani></svc:IszrProbeData></svc:Zadost>`, names)
}

func e100Payload(id string) string {
	return fmt.Sprintf(`<svc:Zadost><svc:IszrAsyncOdpovedZFrontyData><svc:IszrZadostId>%s</svc:IszrZadostId></svc:IszrAsyncOdpovedZFrontyData></svc:Zadost>`, id)
}
