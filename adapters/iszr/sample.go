package iszr

import "strings"

// SampleRosCtiIco2 is a complete E256 (rosCtiIco2) request of the demo AIS
// 999002, with placeholders {{CAS}} (CasZadosti) and {{ID}}
// (AgendaZadostId, a fresh UUID for every call). The start banner and the
// README show it; tests use it with the placeholders filled.
const SampleRosCtiIco2 = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <e256:RosCtiIco2 xmlns:e256="urn:cz:isvs:iszr:schemas:IszrRosCtiIco2:v1"
        xmlns:abs="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"
        xmlns:reg="urn:cz:isvs:reg:schemas:RegTypy:v1"
        xmlns:sdo="urn:cz:isvs:ros:schemas:RosDotazyData:v2">
      <abs:ZadostInfo>
        <reg:CasZadosti>{{CAS}}</reg:CasZadosti>
        <reg:Agenda>X999</reg:Agenda>
        <reg:AgendovaRole>XR2</reg:AgendovaRole>
        <reg:Ovm>12345678</reg:Ovm>
        <reg:Ais>999002</reg:Ais>
        <reg:Uzivatel>novak</reg:Uzivatel>
        <reg:DuvodUcel>overeni dodavatele</reg:DuvodUcel>
        <reg:AgendaZadostId>{{ID}}</reg:AgendaZadostId>
      </abs:ZadostInfo>
      <abs:AutorizaceInfo>
        <abs:SeznamUdaju>Ico ObchodniNazev PravniForma AdresaSidla</abs:SeznamUdaju>
      </abs:AutorizaceInfo>
      <e256:Zadost>
        <e256:RosCtiIco2Data>
          <sdo:Ico>00838420</sdo:Ico>
        </e256:RosCtiIco2Data>
      </e256:Zadost>
    </e256:RosCtiIco2>
  </soapenv:Body>
</soapenv:Envelope>`

// FillSample replaces the placeholders of a sample request.
func FillSample(sample, cas, id string) []byte {
	return []byte(strings.NewReplacer("{{CAS}}", cas, "{{ID}}", id).Replace(sample))
}
