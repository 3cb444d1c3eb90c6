package models

// PartnerLinkNotice tells the contact of an organisation invited to a
// session (Organisation.ContactEmail) its secret sign-up link, on behalf
// of By (the coordinator who invites), of CLSM: the session, what to do,
// how many people the organisation may register. Why says whether it is
// the first message, the same link again or a new link; Send numbers the
// messages of this partner (1, 2, …), so that each is a message of its own.
type PartnerLinkNotice struct {
	Partner      SessionPartner
	Organisation Organisation
	Session      Session
	Request      Request
	CLSM         CLSM
	By           User
	Why          LinkSend
	Send         int
}

func (*PartnerLinkNotice) notice() {}
