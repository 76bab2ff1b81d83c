package xsdcheck

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestISDSSchemaFor(t *testing.T) {
	tests := []struct {
		name, element, want string
	}{
		{"check-data-box", "CheckDataBox", ISDSBoxes},
		{"owner-info", "GetOwnerInfoFromLogin2Response", ISDSBoxes},
		{"message-download", "MessageDownload", ISDSMessages},
		{"unknown-goes-to-messages", "NoSuchElement", ISDSMessages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := filepath.Base(ISDSSchemaFor(t, tc.element)); got != tc.want {
				t.Fatalf("%s → %s, want %s", tc.element, got, tc.want)
			}
		})
	}
}

const isdsDelivery = `<q:GetDeliveryInfoResponse xmlns:q="http://isds.czechpoint.cz/v20/delivery" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" isds_send="https://www.czebox.cz/any/DS/dz"><q:dmDelivery><p:dmDm xmlns:p="http://isds.czechpoint.cz/v20"><p:dmID>170272</p:dmID><p:dbIDSender>mw7dqvw</p:dbIDSender><p:dmSender>A</p:dmSender><p:dmSenderAddress>B</p:dmSenderAddress><p:dmSenderType>30</p:dmSenderType><p:dmRecipient>C</p:dmRecipient><p:dmRecipientAddress>D</p:dmRecipientAddress><p:dmSenderOrgUnit xsi:nil="true"></p:dmSenderOrgUnit><p:dmSenderOrgUnitNum>42</p:dmSenderOrgUnitNum><p:dbIDRecipient>vqbab52</p:dbIDRecipient><p:dmRecipientOrgUnit xsi:nil="true"></p:dmRecipientOrgUnit><p:dmRecipientOrgUnitNum>0</p:dmRecipientOrgUnitNum><p:dmToHands xsi:nil="true"></p:dmToHands><p:dmAnnotation>E</p:dmAnnotation><p:dmRecipientRefNumber xsi:nil="true"></p:dmRecipientRefNumber><p:dmSenderRefNumber xsi:nil="true"></p:dmSenderRefNumber><p:dmRecipientIdent xsi:nil="true"></p:dmRecipientIdent><p:dmSenderIdent xsi:nil="true"></p:dmSenderIdent><p:dmLegalTitleLaw xsi:nil="true"></p:dmLegalTitleLaw><p:dmLegalTitleYear xsi:nil="true"></p:dmLegalTitleYear><p:dmLegalTitleSect xsi:nil="true"></p:dmLegalTitleSect><p:dmLegalTitlePar xsi:nil="true"></p:dmLegalTitlePar><p:dmLegalTitlePoint xsi:nil="true"></p:dmLegalTitlePoint><p:dmPersonalDelivery>false</p:dmPersonalDelivery><p:dmAllowSubstDelivery>true</p:dmAllowSubstDelivery></p:dmDm><q:dmHash algorithm="SHA-1">Sz4v5rqG7UBpYTNPumJYr720nLs=</q:dmHash><q:dmQTimestamp>AAAA</q:dmQTimestamp><q:dmDeliveryTime>2009-11-18T15:18:12.965+01:00</q:dmDeliveryTime><q:dmAcceptanceTime>2009-11-18T15:18:25.973+01:00</q:dmAcceptanceTime><q:dmMessageStatus>7</q:dmMessageStatus><q:dmEvents><q:dmEvent><q:dmEventTime>2009-11-18T15:18:25.973+01:00</q:dmEventTime><q:dmEventDescr>EV1: x</q:dmEventDescr></q:dmEvent></q:dmEvents></q:dmDelivery></q:GetDeliveryInfoResponse>`

func TestValidateISDS(t *testing.T) {
	ISDSReferenceDir(t)
	ValidateISDSBody(t, []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CheckDataBox xmlns="http://isds.czechpoint.cz/v20"><dbID>mw7dqvw</dbID></CheckDataBox></s:Body></s:Envelope>`))
	ValidateZFOPayload(t, []byte(isdsDelivery))

	// Invalid: a mandatory element missing, and a foreign root.
	broken := strings.Replace(isdsDelivery, "<q:dmMessageStatus>7</q:dmMessageStatus>", "", 1)
	broken = zfoNamespaceRE.ReplaceAllString(broken, `"`+ISDSNamespace+`"`)
	broken = isdsSendRE.ReplaceAllString(broken, "")
	if err := Errors(t, []byte(broken), ISDSSchemaFor(t, "GetDeliveryInfoResponse")); err == nil {
		t.Error("a delivery info without dmMessageStatus passed")
	}
	if _, err := rootName([]byte(`<x xmlns="urn:other"/>`)); err == nil {
		t.Error("a foreign root was accepted")
	}
}
