package io.warren.bench;

/** The ejb-jar.xml of a bench application: one MDB with its activation config and transaction attribute. */
final class EjbJarXml {

    private EjbJarXml() {
    }

    /**
     * @param otherBeans enterprise-bean elements declared before the MDB; empty for none
     * @param activationConfig the MDB's activation-config-property elements
     * @param transaction the MDB's trans-attribute (REQUIRED, NOT_SUPPORTED)
     */
    static String of(String otherBeans, String mdb, String activationConfig, String transaction) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ejb-jar xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0">
                  <enterprise-beans>
                %s    <message-driven>
                      <ejb-name>%s</ejb-name>
                      <activation-config>
                        %s
                      </activation-config>
                    </message-driven>
                  </enterprise-beans>
                  <assembly-descriptor>
                    <container-transaction>
                      <method><ejb-name>%s</ejb-name><method-name>*</method-name></method>
                      <trans-attribute>%s</trans-attribute>
                    </container-transaction>
                  </assembly-descriptor>
                </ejb-jar>
                """.formatted(otherBeans, mdb, activationConfig, mdb, transaction);
    }
}
