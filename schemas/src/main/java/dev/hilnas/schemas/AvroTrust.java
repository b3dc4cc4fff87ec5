package dev.hilnas.schemas;

import org.apache.avro.Conversion;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Trusts hilnas's generated record classes for Avro decoding in every JVM and class loader that
 * decodes them, with no system property: Avro 1.12 decodes only the classes it trusts.
 *
 * <p>Avro has no hook for this, but every Avro data model ({@code GenericData}, {@code
 * SpecificData}) loads the {@link Conversion} services its class loader sees when it is made,
 * before it decodes anything. This class is one ({@code META-INF/services/org.apache.avro.
 * Conversion}), for a logical type no schema uses, and its loading sets the trust. So Flink's own
 * Avro serializers find the classes trusted even where no hilnas code ran first — on a TaskManager
 * restoring operator state into a new job's class loader, whose Avro is the job jar's own copy.
 */
public final class AvroTrust extends Conversion<AvroTrust> {

  static {
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(), AvroTrust::isGenerated));
  }

  private static boolean isGenerated(Class<?> type) {
    return type.getPackageName().equals(AvroTrust.class.getPackageName());
  }

  @Override
  public Class<AvroTrust> getConvertedType() {
    return AvroTrust.class; // no datum is one, so this conversion never converts
  }

  @Override
  public String getLogicalTypeName() {
    return "dev.hilnas.trusted-classes";
  }
}
