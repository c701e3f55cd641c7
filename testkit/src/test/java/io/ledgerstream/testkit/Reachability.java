package io.ledgerstream.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Network checks for tests asserting that an embedded service is reachable from this host only. */
final class Reachability {

    private Reachability() {}

    /** Returns this machine's addresses on interfaces that are up and not loopback, link-local excluded. */
    static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses().filter(a -> !a.isLinkLocalAddress()).forEach(addresses::add);
            }
        }
        return addresses;
    }

    /** Returns whether a TCP connection to {@code address:port} succeeds within one second. */
    static boolean canConnect(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
