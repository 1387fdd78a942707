package conduit.common;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * The three overrides every AWS client of the app accepts: an endpoint (the local stand-ins,
 * moto and S3Proxy), credentials and a region. Each may be null, leaving the SDK's default chain.
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static <B extends AwsClientBuilder<B, ?>> B configured(B builder, URI endpoint,
                                                                  AwsCredentialsProvider credentials, Region region) {
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        if (region != null) {
            builder.region(region);
        }
        return builder;
    }
}
