package conduit.mail;

import java.net.URI;

import conduit.common.AwsClients;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Mail through Amazon SES (API v2), from the instance role, with the stack's sender address and
 * configuration set (whose bounce and complaint events go to SNS). Timeouts are short: a send
 * runs off the request path, and a slow SES only delays the outbox, which retries.
 */
public final class SesMailSender implements MailSender, AutoCloseable {
    private final SesV2Client ses;
    private final String from;
    private final String configurationSet;

    public SesMailSender(SesV2Client ses, String from, String configurationSet) {
        this.ses = ses;
        this.from = from;
        this.configurationSet = configurationSet;
    }

    /** @param endpoint null for the regional SES endpoint (moto in tests) */
    public static SesMailSender create(String from, String configurationSet, URI endpoint) {
        SesV2ClientBuilder builder = SesV2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(java.time.Duration.ofSeconds(2)).socketTimeout(java.time.Duration.ofSeconds(5)));
        return new SesMailSender(AwsClients.configured(builder, endpoint, null, null).build(), from, configurationSet);
    }

    @Override
    public String send(Mail mail) {
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(from)
                .destination(d -> d.toAddresses(mail.to()))
                .content(c -> c.simple(m -> m
                        .subject(s -> s.data(mail.subject()).charset("UTF-8"))
                        .body(b -> b.text(t -> t.data(mail.text()).charset("UTF-8")).html(h -> h.data(mail.html()).charset("UTF-8")))));
        if (configurationSet != null) {
            request.configurationSetName(configurationSet);
        }
        try {
            return ses.sendEmail(request.build()).messageId();
        } catch (MessageRejectedException | MailFromDomainNotVerifiedException | BadRequestException | AccountSuspendedException e) {
            throw new Rejected(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode(), e);
        }
    }

    @Override
    public void close() {
        ses.close();
    }
}
